"""The national qualifications system (国家資格等情報連携・活用システム, R16): our contract,
its port and its adapters."""
