"""The AI portal's domain logic, shipped to Lambda as a layer."""
