"""kentei: the shared domain package of the skills-test (技能検定) back office.

Every Lambda function imports this package from the layer; nothing here imports a function.
"""
