Hello {{username2}},

Somebody requested a new password for the {{hostname}} account associated with {{username}}.
Date of the password reset request: {{date}}

You can reset your password by clicking the link below:
{{link}}

The link will be valid for the next {{token_lifetime}} minutes.

If you did not request a new password, please ignore this email.
