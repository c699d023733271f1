"""The clinic on the web: server-rendered pages for therapists and admins under /clinic."""
