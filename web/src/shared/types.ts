// The platform's records as the REST API and the WebSocket send them (see /docs).

export type Role = "USER" | "AGENT" | "ADMIN";
export type ConversationStatus = "ACTIVE" | "ESCALATED" | "ASSIGNED" | "RESOLVED";
export type Priority = "LOW" | "MEDIUM" | "HIGH" | "URGENT";
export type Sender = "CUSTOMER" | "AI" | "AGENT" | "SYSTEM";
export type AgentStatus = "AVAILABLE" | "BUSY" | "AWAY" | "OFFLINE";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export interface Citation {
  source: "kb" | "tool" | string;
  ref?: string;
  tool?: string;
  title?: string;
  [key: string]: unknown;
}

export interface Conversation {
  conversation_id: string;
  status: ConversationStatus;
  priority: Priority;
  sentiment: number;
  channel: string;
  subject: string;
  anonymous: boolean;
  customer_id: string | null;
  assigned_agent_id: string | null;
  language: string;
  specialization: string | null;
  escalation_reason: string | null;
  resolved_by: string | null;
  created_at: string;
  updated_at: string;
  escalated_at: string | null;
  assigned_at: string | null;
  resolved_at: string | null;
}

export interface StartedConversation extends Conversation {
  conversation_token: string | null;
}

export interface GuardrailVerdict {
  [key: string]: unknown;
}

export interface MessageDetails {
  intent?: string | null;
  confidence?: number;
  sentiment?: number;
  guardrail?: GuardrailVerdict | null;
  rule?: Record<string, unknown> | null;
  responder?: string | null;
  [key: string]: unknown;
}

export interface Message {
  message_id: string;
  sender: Sender;
  sender_id: string | null;
  type: string;
  content: string;
  confidence_score: number | null;
  intent: string | null;
  citations: Citation[];
  details: MessageDetails;
  awaiting_confirmation: boolean;
  created_at: string;
}

export interface ConversationDetail extends Conversation {
  messages: Message[];
}

export interface ConversationPage {
  items: Conversation[];
  page: number;
  size: number;
  total: number;
}

export interface MessageReply {
  message_id: string;
  ai_response: string | null;
  confidence_score: number | null;
  processing_time_ms: number;
  status: ConversationStatus;
  escalated: boolean;
  citations: Citation[];
  awaiting_confirmation: boolean;
}

export interface EscalateReply {
  escalated: boolean;
  agent_assigned: string | null;
  estimated_wait_time_minutes: number;
  status: ConversationStatus;
  priority: Priority;
}

export interface FeedbackReply {
  feedback_id: string;
  message_id: string | null;
  rating: number | null;
  helpful: boolean | null;
}

export interface SupportAgent {
  agent_id: string;
  display_name: string;
  email: string | null;
  status: AgentStatus;
  specializations: string[];
  languages: string[];
  max_concurrent: number;
  current_load: number;
  free_slots: number;
}

export interface QueueItem extends Conversation {
  position: number;
}

export interface QueueOut {
  items: QueueItem[];
  total: number;
}

export interface MyQueue {
  assigned: Conversation[];
  waiting: QueueItem[];
}

export interface Assignment {
  conversation: Conversation;
  agent_id: string;
  agent_name: string;
  estimated_wait_time_minutes: number;
}

export interface EscalationRule {
  rule_id: string;
  name: string;
  description: string;
  priority: number;
  enabled: boolean;
  condition: Record<string, unknown>;
  action: { priority?: Priority; specialization?: string | null; [key: string]: unknown };
  created_at: string;
  updated_at: string;
  updated_by: string | null;
}

export interface KnowledgeEntry {
  id: string;
  title: string;
  content: string;
  category: string;
  tags: string[];
  version: number;
  usage_count: number;
  success_rate: number | null;
  [key: string]: unknown;
}

export interface KnowledgePage {
  items: KnowledgeEntry[];
  page: number;
  size: number;
  total: number;
}

export interface DailyPerformance {
  date: string;
  conversations: number;
  automation_rate: number | null;
  escalation_rate: number | null;
  csat_score: number | null;
  first_contact_resolution_rate: number | null;
  p50_response_time_ms: number | null;
  p95_response_time_ms: number | null;
}

export interface PerformanceReport {
  start_date: string;
  end_date: string;
  total_conversations: number;
  ai_resolved_conversations: number;
  escalated_conversations: number;
  human_resolved_conversations: number;
  open_conversations: number;
  automation_rate: number | null;
  escalation_rate: number | null;
  resolution_rate: number | null;
  first_contact_resolution_rate: number | null;
  p50_response_time_ms: number | null;
  p95_response_time_ms: number | null;
  customer_satisfaction: number | null;
  csat_score: number | null;
  daily: DailyPerformance[];
  [key: string]: unknown;
}

export interface CustomerOrder {
  order_id: string;
  status: string;
  items: { name: string; item_id: string; price: number; options?: Record<string, string> }[];
  [key: string]: unknown;
}

export interface CustomerProfile {
  user_id: string;
  name: { first_name: string; last_name: string };
  email: string;
  address: Record<string, string>;
  payment_methods: Record<string, { source: string; [key: string]: unknown }>;
  orders: CustomerOrder[];
  [key: string]: unknown;
}

/** A server-to-client WebSocket event. */
export type ServerEvent =
  | {
      type: "AI_RESPONSE";
      conversation_id: string;
      message_id: string;
      final: false;
      index: number;
      chunk: string;
    }
  | {
      type: "AI_RESPONSE";
      conversation_id: string;
      message_id: string;
      final: true;
      content: string;
      confidence_score: number | null;
      processing_time_ms: number;
      citations: Citation[];
      awaiting_confirmation: boolean;
    }
  | {
      type: "CUSTOMER_MESSAGE";
      conversation_id: string;
      message_id: string;
      message_type: string;
      content: string;
    }
  | {
      type: "AGENT_MESSAGE";
      conversation_id: string;
      message_id: string;
      content: string;
      agent_id?: string;
      agent_name?: string;
    }
  | {
      type: "AGENT_ASSIGNED";
      conversation_id: string;
      agent_id: string;
      agent_name: string;
      estimated_wait_time_minutes: number;
    }
  | {
      type: "CONVERSATION_STATUS" | "QUEUE_UPDATED";
      conversation_id: string;
      status: ConversationStatus;
      priority: Priority;
      assigned_agent_id: string | null;
      estimated_wait_time_minutes: number | null;
      subject?: string;
      escalation_reason?: string | null;
    }
  | { type: "SENTIMENT_UPDATE"; conversation_id: string; sentiment: number }
  | {
      type: "FEEDBACK_RECORDED";
      conversation_id: string;
      feedback_id: string;
      message_id: string | null;
      rating: number | null;
      helpful: boolean | null;
    }
  | { type: "ERROR"; code: string; message: string; conversation_id?: string };
