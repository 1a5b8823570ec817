"""The investigators' web view: Datasette with our pages, behind a token (`triage serve`)."""
