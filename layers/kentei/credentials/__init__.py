"""Electronic certificates (電子合格証) anyone can verify offline, and their status.

- :mod:`~kentei.credentials.claims`: what a certificate says (:class:`CertifiedPass`).
- :mod:`~kentei.credentials.vc`: the W3C VC 2.0 as a JWT (``vc+jwt``).
- :mod:`~kentei.credentials.paper_code`: the 2D code (COSE_Sign1, zlib, Base45, ``KT1:``).
- :mod:`~kentei.credentials.jwks`: the issuer's keys as a JWK Set.
- :mod:`~kentei.credentials.status`, :mod:`~kentei.credentials.bitstring`,
  :mod:`~kentei.credentials.allocator`: Bitstring Status Lists (valid, revoked, superseded)
  and random indices.
- :mod:`~kentei.credentials.verifier`: the verdict from the public documents alone.

Pure: every signature goes through a :class:`kentei.signing.SigningKey`; publishing and
storage are the caller's.
"""
