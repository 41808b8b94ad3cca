"""The Jeugd service: iJw message files between gemeenten and aanbieders."""
