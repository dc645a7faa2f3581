"""Assets of kg's HTML view: the page template, its style and script, and the
vendored Cytoscape.js (``vendor/``, re-fetched by ``scripts/vendor_js.sh``)."""
