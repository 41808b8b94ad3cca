"""The Wmo service: iWmo message files between gemeenten and aanbieders."""
