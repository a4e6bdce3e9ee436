"""What a billing document is: values and rules, standard library only."""
