"""Pseudonymised research datasets with a data dictionary: CSV, XLSX, SPSS and Stata."""
