"""Master data: customers, suppliers, products, customer item codes and price lists, imported from CSV/XLSX."""
