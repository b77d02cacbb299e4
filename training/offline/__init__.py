"""Offline lessons for trainees on slow or absent connections: a course saved on the phone (a service worker and a
web app manifest, self-hosted), quiz answers given offline kept on the device and sent once when the connection
returns (an idempotency key makes a retry write once). Pages keep working without JavaScript."""
