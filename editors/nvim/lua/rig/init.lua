-- Starts `rig lsp` for every buffer of filetype `rig`:
--   require('rig').setup({ cmd = { 'rig', 'lsp' } })
-- Uses vim.lsp.start (Neovim 0.8+), or start_client + buf_attach_client on 0.7.
local M = {}

local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(name, ':p:h')
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then return vim.fn.fnamemodify(git, ':p:h:h') end
  return dir
end

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { 'rig', 'lsp' }
  local client_id
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'rig',
    callback = function(args)
      local config = { name = 'rig', cmd = cmd, root_dir = root_dir(args.buf) }
      if vim.lsp.start then
        vim.lsp.start(config, { bufnr = args.buf })
      else
        client_id = client_id or vim.lsp.start_client(config)
        vim.lsp.buf_attach_client(args.buf, client_id)
      end
    end,
  })
end

return M
