"""The Protocols through which services reach storage, SAP, documents, mail, printers and the
clock, one module per topic, and the values that cross them."""
