"""The case registry, the case card and stopping a case: queries shared by the pages and the API."""
