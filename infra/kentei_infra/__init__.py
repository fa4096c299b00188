"""The CDK app of kentei."""
