"""gunicorn settings for confapp (read from the working directory; see docs/deployment.md)."""

#: Access log without private links and search terms; no referer or user agent (a referer can be a manage link).
logger_class = "confapp.gunicorn_logging.PrivateAccessLogger"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
#: A document part renders for at most DOCUMENT_RENDER_SECONDS (20 s); a large badge run has several parts.
timeout = 120
