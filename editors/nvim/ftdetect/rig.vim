" .rig files get the `rig` filetype (Neovim before 0.8 has no vim.filetype.add).
autocmd BufRead,BufNewFile *.rig setfiletype rig
