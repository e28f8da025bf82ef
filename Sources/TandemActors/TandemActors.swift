// The ticket, team and session actors arrive with the live-ticket core.
