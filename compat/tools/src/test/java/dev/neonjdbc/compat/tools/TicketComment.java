package dev.neonjdbc.compat.tools;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A Hibernate entity that only the second session factory knows, so that its {@code
 * hbm2ddl.auto=update} has a table to add.
 */
@Entity
@Table(name = "ticket_comment")
public class TicketComment {
  @Id @GeneratedValue private Long id;
  private long ticketId;
  private String body;

  /** For Hibernate. */
  protected TicketComment() {}

  /** A new comment on ticket {@code ticketId}. */
  public TicketComment(long ticketId, String body) {
    this.ticketId = ticketId;
    this.body = body;
  }

  /** The generated key. */
  public Long getId() {
    return id;
  }

  /** The comment's text. */
  public String getBody() {
    return body;
  }
}
