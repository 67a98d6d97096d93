"""Standards code: X12 and FHIR, plain Python with no Django import (tests enforce it)."""
