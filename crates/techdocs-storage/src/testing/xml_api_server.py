"""moto's S3 server, answering Cloud Storage's XML API in Portico's tests.

object_store's GCS client speaks the XML API (interoperable with S3's).
Pointed at another endpoint with `disable_oauth`, it sends no token, or
`Authorization: Bearer ` with an empty one. moto reads any Authorization
header as an AWS signature (and fails on a bearer token with a 500), and
takes a request without one for an anonymous reader of a private bucket
(403). This shim puts an AWS-style header in place of what the GCS client
sends (moto does not check signatures); every request is otherwise answered
by moto's S3 server.

Usage: python xml_api_server.py HOST PORT (with moto in the interpreter's path).
"""

import os
import sys

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

SIGNED = (
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    moto = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        if not environ.get("HTTP_AUTHORIZATION", "").startswith("AWS4-"):
            environ["HTTP_AUTHORIZATION"] = SIGNED
        return moto(environ, start_response)

    run_simple(host, port, app, threaded=True, request_handler=MotoRequestHandler)


main()
