"""URLs and the network: normalising and keying URLs (``urls``), and the guard every fetch goes
through (``guard``: no private addresses unless allowed, DNS pinned, redirects re-checked)."""
