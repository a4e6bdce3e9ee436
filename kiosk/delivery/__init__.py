"""Getting documents out of the box: printing and e-mail."""
