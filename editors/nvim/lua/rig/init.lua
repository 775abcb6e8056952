-- Starts `rig lsp` for rig buffers, one client per workspace root. Works on Neovim 0.7
-- (Debian's; no vim.lsp.start or vim.fs there), so it uses start_client + buf_attach_client.
-- Usage (init.lua):
--   require('rig').setup({ cmd = { '/path/to/rig', 'lsp' } })
local M = {}
local clients = {} -- root directory -> client id

-- The nearest directory upwards holding .git is the workspace; a lone file is its own root.
local function root_of(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then
    return vim.fn.fnamemodify(git, ':p:h:h')
  end
  return dir
end

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { 'rig', 'lsp' }
  vim.cmd('augroup rig_lsp | autocmd! | augroup END')
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'rig',
    group = 'rig_lsp',
    callback = function(args)
      local root = root_of(vim.api.nvim_buf_get_name(args.buf))
      local id = clients[root]
      if not id or not vim.lsp.get_client_by_id(id) then
        id = vim.lsp.start_client({ name = 'rig', cmd = cmd, root_dir = root })
        clients[root] = id
      end
      if id then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end,
  })
end

return M
