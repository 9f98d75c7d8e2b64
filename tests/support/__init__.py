"""What the tests share and are not tests themselves: rows (factories), servers on the
loopback (servers, mariadb_server, shared_mariadb, nginx_server), installs (installing),
terminals, the browser tab, and the judges of HTML safety with their XSS vectors.

Imported as ``tests.support.<module>``: pytest.ini puts the repository root on the path."""
