"""Applications (受検申請): what arrives, its life from receipt to a decision, and its checks."""
