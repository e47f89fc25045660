"""Architecture diagrams for Envelope estimates: graph vocabulary and rendering."""
