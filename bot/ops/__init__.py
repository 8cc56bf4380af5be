"""Operations: `/readyz`, `/metrics`, JSON logs with request ids, graceful shutdown, `cxbot doctor`.

Kept free of imports: `cxbot doctor` lives here and the command line must start fast. The server's part
is `bot.ops.serving.install`.
"""
