-- Buffer settings for rig files; commentstring matches the `//` line comments of grammar/Rig.g4.
vim.bo.commentstring = '// %s'
vim.bo.comments = 's1:/*,mb:*,ex:*/,://,:#'
vim.bo.shiftwidth = 2
vim.bo.tabstop = 2
vim.bo.expandtab = true
