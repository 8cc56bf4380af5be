"""The CX dashboard, served by `cxbot serve` at `/dashboard`: sign-in links and sessions, the shared
frame (layout, navigation, CSRF), and the Pulses, Digests and Knowledge pages. See docs/dashboard.md."""

PREFIX = "/dashboard"
