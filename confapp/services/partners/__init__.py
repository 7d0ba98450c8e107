"""Partners: the network's directory of partner institutions, invitations to events, coverage.

directory     institutions and their contact persons (personal data with legal basis and deletion date)
spreadsheet   importing a coordinator's Excel or CSV list (checked first, written on confirmation); export
invitations   inviting partners to an event with a personal link; who opened it and registered
coverage      which sectors and institutions took part, were invited and stayed away, or came new
"""
