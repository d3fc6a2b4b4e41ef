"""The edge where views become words, tables and documents, after one privacy step."""
