"""Thin stacks: each composes constructs from infra/components and wires their grants."""
