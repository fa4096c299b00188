"""Certificates of a pass: the printed 合格証書 and the 合格証明書 in Japanese and English.

``content`` holds what a certificate says, ``pdf`` draws it (four layouts, an embedded subset
of IPAex明朝), ``glyphs`` is the glyph gate every text passes before it is drawn, and
``english`` the English names of grades, trades, works and issuers. ``pades`` signs a PDF as
PAdES by a DER signer (the KMS key), with its chain from ``pades_chain``. Pure but for the
chain loader's injected source.
"""
