"""What lets the portal run as several nodes: uploads in object storage, the instructors'
reports on a read replica, and connections through a pooler (README, "Deploying at
scale")."""
