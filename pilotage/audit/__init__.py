"""The tamper-evident audit trail and the backups (floor 6 of ARCHITECTURE.md, ADRs 0015 and 0016).

`chain.py` (each history record and export log entry sealed after commit into an HMAC chain; `verify`), the
`verify_audit` command, `middleware.py` (every attachment sent is an `ExportLog`), the DGEFP's pages (deleted
objects and their history, the export log); `backup.py` with the `backup` / `restore` commands (the restore checks
the chain)."""
