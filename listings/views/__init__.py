"""Views, one module per audience: public (anyone), student, manage (lab staff),
downloads (files behind permission checks); common holds what they share. Views
only read (QuerySet methods, selectors) and call services; they hold no domain logic."""
