"""Public: the verification page and API (証明書の検証), no login: anyone checks a certificate."""
