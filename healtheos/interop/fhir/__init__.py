"""FHIR R4 resources built with ``fhir.resources`` (R4B models), plain Python."""
