"""The court-document pack: DOCX from templates a lawyer edits, PDF through LibreOffice.

``fields`` turns a computed claim into template fields and refuses a document whose required
fields are missing; ``render`` fills the DOCX templates; ``pdf`` converts; ``pack`` does it all
for one account.
"""
