"""Knowledge sources: folders, Git, web sites, Confluence and SharePoint kept in step with the index."""
