"""What people write in the chapters: answers and table rows (operations), importing rows from files
(io), comments, and how far each chapter has got (progress)."""
