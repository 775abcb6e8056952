" .rig files are the rig workload language (Vim script so Neovim 0.7, Debian's, detects it too).
autocmd BufRead,BufNewFile *.rig setfiletype rig
