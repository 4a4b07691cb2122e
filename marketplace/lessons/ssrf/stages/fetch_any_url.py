"""beyond/code: the server fetches whatever URL the seller gives.

Unsafe: the request leaves from the server, inside the network, with the server's reach:
``http://127.0.0.1:<port>/`` reaches services that listen on loopback only (an admin
page, a database's HTTP port, a cloud's metadata address 169.254.169.254), and whatever
they answer becomes the listing's photo for anyone to download. The fetch is bounded in
time, size, redirects and content type, which keeps the server up, not the network safe.
"""

from marketplace.photos import FetchedPhoto

from ..fetching import fetch_by_name


def fetch_photo(url: str) -> FetchedPhoto:
    return fetch_by_name(url)  # VULNERABLE: any host, any address, any redirect
