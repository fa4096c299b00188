"""Unit tests of kentei.signatures: CMS and XML signatures, certificates, revocation, four items."""
