"""PAdES signing of certificate PDFs, its signing chain and the local test CA."""
