"""The work queue: workers claim attempts under a lease, start them, and finish them."""
