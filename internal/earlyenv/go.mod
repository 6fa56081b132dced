module fielddesk.local/earlyenv

go 1.26
