"""Notices of debt that couriers carry to the debtors' doors: their content and the printed batch."""
