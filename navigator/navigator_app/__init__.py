"""Services behind the navigator pages (issue 4): the search form and its one-tap corrections,
result and listing view models, the shortlist (cookie) and its sharing (text, email, SMS, QR link),
and records of what was offered with their counts. Route handlers in navigator/app/routes/
{pages,shortlist,offers}.py stay thin over these."""
