"""The helpdesk module (`/helpdesk`, seeds/helpdesk-api.md): domain code shared by the helpdesk functions."""
