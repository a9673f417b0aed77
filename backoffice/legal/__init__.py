"""The lawyer's engine: penalties, state fee, claim periods, courts, and the court-document pack.

Calculation modules (``reference``, ``penalty``, ``state_fee``, ``claims``, ``courts``) are pure
and know nothing of documents; ``documents`` renders what they compute.
"""
